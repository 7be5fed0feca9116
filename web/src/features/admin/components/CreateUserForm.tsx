// CreateUserForm: makes a user, an admin or a worker token; the new token is shown once below it.
import { useState, type FormEvent } from 'react';
import type { CreatedUser, NewUser } from '../../../lib/api';

export interface CreateUserFormProps {
  busy: boolean;
  error: string | null;
  created: CreatedUser | null;
  onCreate: (user: NewUser) => void;
}

type Kind = 'user' | 'admin' | 'worker';

function newUser(name: string, kind: Kind): NewUser {
  if (kind === 'worker') return { name, kind: 'worker' };
  return { name, kind: 'user', role: kind === 'admin' ? 'admin' : 'user' };
}

export function CreateUserForm({ busy, error, created, onCreate }: CreateUserFormProps) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('user');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() !== '') onCreate(newUser(name.trim(), kind));
  };
  return (
    <section aria-labelledby="create-user-heading" className="admin-create">
      <h2 id="create-user-heading">Create a user or worker token</h2>
      <form onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="user">User</option>
            <option value="admin">Admin</option>
            <option value="worker">Worker</option>
          </select>
        </label>
        <button type="submit" disabled={busy || name.trim() === ''}>
          Create
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {created && (
        <div className="created-token" role="status">
          <p>
            Token for <strong>{created.name}</strong> (shown once; copy it now):
          </p>
          <code aria-label={`Token for ${created.name}`}>{created.token}</code>
        </div>
      )}
    </section>
  );
}
