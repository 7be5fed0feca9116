// ConversationSettings: in the conversation's header, its lane (the default of its next sends)
// and its system prompt — a button that opens the editor, and a marker while one is set (E15).
import { useState } from 'react';
import type { Conversation, Lane } from '../../../lib/api';
import { useConversationSettings } from '../hooks/use-conversation-settings';
import { SystemPromptEditor } from './SystemPromptEditor';
import './settings.css';

interface ConversationSettingsProps {
  conversation: Conversation;
  lanes: Lane[];
  defaultLane: string | null;
  /** Called once the conversation's lane was set (the composer then follows it). */
  onLaneSet?: (lane: string | null) => void;
}

export function ConversationSettings({ conversation, lanes, defaultLane, onLaneSet }: ConversationSettingsProps) {
  const settings = useConversationSettings(conversation.id);
  const [editing, setEditing] = useState(false);
  const prompt = conversation.system_prompt ?? null;

  const setLane = async (value: string) => {
    const lane = value === '' ? null : value;
    try {
      await settings.update({ lane });
      onLaneSet?.(lane);
    } catch {
      // shown below from the mutation's error
    }
  };
  const savePrompt = async (text: string | null) => {
    try {
      await settings.update({ system_prompt: text === null || text.trim() === '' ? null : text });
      setEditing(false);
    } catch {
      // shown in the editor
    }
  };

  const error = settings.error ? settings.error.message : null;
  return (
    <div className="conversation-settings" role="group" aria-label="Conversation settings">
      <label htmlFor="conversation-lane">Conversation lane</label>
      <select
        id="conversation-lane"
        value={conversation.lane ?? ''}
        disabled={settings.isSaving}
        onChange={(e) => void setLane(e.target.value)}
      >
        <option value="">default{defaultLane ? ` (${defaultLane})` : ''}</option>
        {lanes.map((l) => (
          <option key={l.name} value={l.name} title={l.description}>
            {l.name} ({l.model})
          </option>
        ))}
      </select>
      <button
        type="button"
        className="system-prompt-button"
        aria-expanded={editing}
        aria-controls="system-prompt-editor"
        title={prompt ?? 'No system prompt'}
        onClick={() => {
          settings.resetError();
          setEditing((open) => !open);
        }}
      >
        System prompt
        {prompt !== null && (
          <span className="system-prompt-marker" data-testid="system-prompt-marker">
            {' '}
            · set
          </span>
        )}
      </button>
      {conversation.lane_unavailable && (
        <p className="lane-note muted">
          The lane “{conversation.lane_unavailable}” is no longer offered; this conversation uses the default lane.
        </p>
      )}
      {error && !editing && (
        <p className="notice" role="alert">
          The setting could not be saved: {error}
        </p>
      )}
      {editing && (
        <div id="system-prompt-editor">
          <SystemPromptEditor
            initial={prompt ?? ''}
            saving={settings.isSaving}
            error={error}
            onSave={(text) => void savePrompt(text)}
            onClear={() => void savePrompt(null)}
            onCancel={() => setEditing(false)}
          />
        </div>
      )}
    </div>
  );
}
