// AdminPage (/admin, issue 20): the users table with usage and quotas, creating a user or worker
// token (shown once), revoking, setting a quota. A non-admin gets the server's 404 and is told so.
import { useState } from 'react';
import { useAdminUsers } from '../hooks/use-admin-users';
import { CreateUserForm } from './CreateUserForm';
import { QuotaForm } from './QuotaForm';
import { UsersTable } from './UsersTable';

export function AdminPage() {
  const { users, create, revoke, setQuota } = useAdminUsers();
  const [editing, setEditing] = useState<string | null>(null);
  if (users.error?.code === 'not_found') {
    return (
      <section className="admin">
        <h1>Admin</h1>
        <p role="alert">This page is for admins only.</p>
      </section>
    );
  }
  const editedUser = users.data?.find((u) => u.name === editing) ?? null;
  return (
    <section className="admin">
      <h1>Admin</h1>
      {users.error && <p role="alert">The users could not be loaded: {users.error.message}</p>}
      {users.data && (
        <UsersTable
          users={users.data}
          onRevoke={(name) => revoke.mutate(name)}
          onEditQuota={(name) => {
            setQuota.reset();
            setEditing(name);
          }}
        />
      )}
      {revoke.error && <p role="alert">The user could not be revoked: {revoke.error.message}</p>}
      {editedUser && (
        <QuotaForm
          key={editedUser.name}
          user={editedUser}
          busy={setQuota.isPending}
          error={setQuota.error?.message ?? null}
          onCancel={() => setEditing(null)}
          onSave={(quota) => setQuota.mutate({ name: editedUser.name, quota }, { onSuccess: () => setEditing(null) })}
        />
      )}
      <CreateUserForm
        busy={create.isPending}
        error={create.error?.message ?? null}
        created={create.data ?? null}
        onCreate={(user) => create.mutate(user)}
      />
    </section>
  );
}
