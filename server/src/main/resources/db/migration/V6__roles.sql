-- Roles (issue 20): 'admin' may use the admin API and page; 'user' may not.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user';
