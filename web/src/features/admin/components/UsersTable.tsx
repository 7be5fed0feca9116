// UsersTable: every user and worker with its usage (today, this month), its quota in force, and
// the row's actions: revoke, set quota.
import type { AdminUser } from '../../../lib/api';
import { formatCost } from '../../../lib/format';

export interface UsersTableProps {
  users: AdminUser[];
  onRevoke: (name: string) => void;
  onEditQuota: (name: string) => void;
}

function when(at: string | null): string {
  return at === null ? 'never' : at.replace('T', ' ').slice(0, 16) + ' UTC';
}

export function quotaText(user: AdminUser): string {
  const { messages_per_day: messages, usd_per_month: usd } = user.quota;
  const parts = [
    messages === null ? null : `${messages} ${messages === 1 ? 'message' : 'messages'} a day`,
    usd === null ? null : `${formatCost(usd)} a month`,
  ].filter((p) => p !== null);
  return parts.length === 0 ? 'no limit' : parts.join(', ');
}

export function UsersTable({ users, onRevoke, onEditQuota }: UsersTableProps) {
  return (
    <table className="admin-users">
      <caption>Users</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Created</th>
          <th scope="col">Last seen</th>
          <th scope="col">Sockets open</th>
          <th scope="col">Messages today</th>
          <th scope="col">Messages this month</th>
          <th scope="col">Cost this month</th>
          <th scope="col">Quota</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => (
          <tr key={u.name} data-user={u.name}>
            <th scope="row">{u.name}</th>
            <td>
              {u.kind === 'worker' ? 'worker' : u.role}
              {u.revoked && ' (revoked)'}
            </td>
            <td>{when(u.created_at)}</td>
            <td>{when(u.last_seen_at)}</td>
            <td>{u.sockets_open}</td>
            <td>{u.messages_today}</td>
            <td>{u.messages_this_month}</td>
            <td>{formatCost(u.cost_usd_this_month)}</td>
            <td>{quotaText(u)}</td>
            <td>
              {u.kind !== 'worker' && (
                <button type="button" onClick={() => onEditQuota(u.name)} aria-label={`Set quota of ${u.name}`}>
                  Set quota
                </button>
              )}
              {!u.revoked && (
                <button type="button" onClick={() => onRevoke(u.name)} aria-label={`Revoke ${u.name}`}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
