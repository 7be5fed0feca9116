// VersionSwitch: "‹ 2 / 3 ›" on a message with siblings (E12); the arrows show the previous or
// next version's path. Renders nothing for a message without siblings.
import { versionPosition } from '../hooks/versions';

export interface VersionSwitchProps {
  messageId: string;
  siblingIds?: readonly string[];
  disabled?: boolean;
  onSwitch: (messageId: string) => void;
}

export function VersionSwitch({ messageId, siblingIds, disabled = false, onSwitch }: VersionSwitchProps) {
  const position = versionPosition(messageId, siblingIds);
  if (!position) return null;
  const { index, count, previousId, nextId } = position;
  return (
    <span className="version-switch" role="group" aria-label={`Version ${index} of ${count}`}>
      <button
        type="button"
        className="version-arrow"
        aria-label="Previous version"
        disabled={disabled || previousId === null}
        onClick={() => previousId !== null && onSwitch(previousId)}
      >
        ‹
      </button>
      <span className="version-count" aria-hidden="true">
        {index} / {count}
      </span>
      <button
        type="button"
        className="version-arrow"
        aria-label="Next version"
        disabled={disabled || nextId === null}
        onClick={() => nextId !== null && onSwitch(nextId)}
      >
        ›
      </button>
    </span>
  );
}
