// NotificationToggle: turns desktop notifications for answers that land in a hidden tab on or off.
import { useState } from 'react';
import { notificationsEnabled, notificationsSupported, setNotificationsEnabled } from '../hooks/notification-prefs';

export function NotificationToggle() {
  const [on, setOn] = useState(notificationsEnabled);
  if (!notificationsSupported()) return null;
  return (
    <label className="setting-toggle">
      <input
        type="checkbox"
        checked={on}
        onChange={(e) => {
          setNotificationsEnabled(e.target.checked);
          setOn(e.target.checked);
          if (e.target.checked && Notification.permission === 'default') void Notification.requestPermission();
        }}
      />{' '}
      Desktop notifications
    </label>
  );
}
