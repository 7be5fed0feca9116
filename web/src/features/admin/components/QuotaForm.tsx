// QuotaForm: a user's own quota — messages a day and US dollars a month; an empty field means the
// server's default (shown as the placeholder).
import { useState, type FormEvent } from 'react';
import type { AdminUser, Quota } from '../../../lib/api';

export interface QuotaFormProps {
  user: AdminUser;
  busy: boolean;
  error: string | null;
  onSave: (quota: Quota) => void;
  onCancel: () => void;
}

function toField(value: number | null): string {
  return value === null ? '' : String(value);
}

function toValue(field: string): number | null {
  return field.trim() === '' ? null : Number(field);
}

export function QuotaForm({ user, busy, error, onSave, onCancel }: QuotaFormProps) {
  const [messages, setMessages] = useState(toField(user.own_quota.messages_per_day));
  const [usd, setUsd] = useState(toField(user.own_quota.usd_per_month));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave({ messages_per_day: toValue(messages), usd_per_month: toValue(usd) });
  };
  return (
    <form className="quota-form" aria-label={`Quota of ${user.name}`} onSubmit={submit}>
      <label>
        Messages a day
        <input
          type="number"
          min={0}
          step={1}
          value={messages}
          placeholder="default"
          onChange={(e) => setMessages(e.target.value)}
        />
      </label>
      <label>
        USD a month
        <input
          type="number"
          min={0}
          step="0.01"
          value={usd}
          placeholder="default"
          onChange={(e) => setUsd(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Save quota
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
