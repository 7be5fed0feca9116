// EditButton: "Edit" on a user message: opens its editor (EditMessageForm).
export function EditButton({ disabled = false, onEdit }: { disabled?: boolean; onEdit: () => void }) {
  return (
    <button type="button" className="tool-button" aria-label="Edit message" disabled={disabled} onClick={onEdit}>
      Edit
    </button>
  );
}
