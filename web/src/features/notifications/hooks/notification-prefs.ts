// Desktop notifications' settings, per browser (localStorage): on unless turned off, and the
// permission asked for once, after the first send (never on page load).
const ENABLED_KEY = 'lanechat.notifications';
const ASKED_KEY = 'lanechat.notifications.asked';

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

export function notificationsEnabled(): boolean {
  return localStorage.getItem(ENABLED_KEY) !== 'off';
}

export function setNotificationsEnabled(on: boolean): void {
  localStorage.setItem(ENABLED_KEY, on ? 'on' : 'off');
}

/** After a send: asks for the permission the first time only, and only if it is undecided. */
export function askForNotificationsOnce(): void {
  if (!notificationsSupported() || !notificationsEnabled() || localStorage.getItem(ASKED_KEY) !== null) return;
  localStorage.setItem(ASKED_KEY, new Date().toISOString());
  if (Notification.permission === 'default') void Notification.requestPermission();
}
