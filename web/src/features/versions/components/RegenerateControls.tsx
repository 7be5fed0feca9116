// RegenerateControls: "Regenerate" (on the answer's own lane) and a small menu to regenerate on
// another of the server's lanes. Disabled while the answer is still queued or running.
import type { Lane } from '../../../lib/api';
import { useMenu } from '../hooks/use-menu';

export interface RegenerateControlsProps {
  lanes: Lane[];
  disabled?: boolean;
  /** Without a lane: the answer's own. */
  onRegenerate: (lane?: string) => void;
}

export function RegenerateControls({ lanes, disabled = false, onRegenerate }: RegenerateControlsProps) {
  const menu = useMenu<HTMLSpanElement>();
  return (
    <span className="regenerate" ref={menu.root}>
      <button
        type="button"
        className="tool-button"
        aria-label="Regenerate"
        disabled={disabled}
        onClick={() => onRegenerate()}
      >
        Regenerate
      </button>
      {lanes.length > 0 && (
        <button
          type="button"
          ref={menu.button}
          className="tool-button regenerate-more"
          aria-label="Regenerate on another lane"
          aria-haspopup="menu"
          aria-expanded={menu.open}
          disabled={disabled}
          onClick={() => menu.setOpen(!menu.open)}
        >
          ▾
        </button>
      )}
      {menu.open && !disabled && (
        <ul className="regenerate-menu" role="menu" aria-label="Regenerate on lane">
          {lanes.map((l) => (
            <li key={l.name} role="none">
              <button
                type="button"
                role="menuitem"
                title={l.description}
                onClick={() => {
                  menu.setOpen(false);
                  onRegenerate(l.name);
                }}
              >
                {l.name} ({l.model})
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
