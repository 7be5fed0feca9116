'use strict';
// A peer of the Lanechat benchmarks: the same exchange as Lanechat's /ws (client sends
// {"token":T,"since"?}, server replays, answers ready, then pushes
// {"event":"update","id":N,"data":{...}}), over an IN-MEMORY queue: no durable log, no database,
// no transaction. Tasks are "completed" by a timer. Run: node server.js --kind ws|socketio --port 0
// As in Lanechat, each user has its own log with gapless ids and an event goes to that user's
// sockets only; the subscribe token names the user ("stream", as in Lanechat's open mode, is one).
//
// HTTP: POST /tasks?delay_ms=D&user=U   -> 202 {"task_id"}; completes after D ms, pushes one event
//                                          to user U (default "stream")
//       GET  /tasks/:id                 -> {"task_id","status","updated_at"} (the polling fallback)
//       GET  /stats                     -> {"rss","heap_used","sockets","cpu_user_us","cpu_system_us","events"}
//       POST /drop                      -> closes every socket (a forced reconnect storm)
//       GET  /health                    -> {"status":"ok"}
const http = require('http');
const crypto = require('crypto');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf('--' + name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const kind = opt('kind', 'ws');
const port = Number(opt('port', '0'));
const host = opt('host', '127.0.0.1');
const KEEP = 200000; // events kept for replay per user (in memory)

const tasks = new Map();
const users = new Map(); // name -> {log: [{id, frame, payload}], lastId, firstKept}
let eventCount = 0;

function userLog(name) {
  let u = users.get(name);
  if (!u) {
    u = { log: [], lastId: 0, firstKept: 1 };
    users.set(name, u);
  }
  return u;
}

function nowIso() {
  // microsecond precision, the same clock as Date
  const t = performance.timeOrigin + performance.now();
  const ms = Math.floor(t);
  const micros = Math.floor((t - ms) * 1000);
  const iso = new Date(ms).toISOString(); // ...sss Z
  return iso.slice(0, 23) + String(micros).padStart(3, '0') + 'Z';
}

function appendEvent(user, data) {
  const u = userLog(user);
  u.lastId += 1;
  eventCount += 1;
  const id = u.lastId;
  const payload = { id, data };
  const frame = JSON.stringify({ event: 'update', id, data });
  u.log.push({ id, frame, payload });
  if (u.log.length > KEEP) {
    u.log.shift();
    u.firstKept = u.log[0].id;
  }
  return u.log[u.log.length - 1];
}

/** The events a subscribe with `since` replays, or null when they are gone (a reset). */
function replay(u, since) {
  if (since > u.lastId || (since + 1 < u.firstKept && u.lastId > 0)) return null;
  if (since >= u.lastId) return [];
  return u.log.slice(Math.max(0, since + 1 - u.firstKept));
}

// ---- the sockets -----------------------------------------------------------------------------
let broadcast; let socketCount; let dropAll;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const send = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method === 'POST' && url.pathname === '/tasks') {
    req.resume();
    req.on('end', () => {
      const delay = Number(url.searchParams.get('delay_ms') || '0');
      const user = url.searchParams.get('user') || 'stream';
      const taskId = crypto.randomUUID();
      const task = { task_id: taskId, status: 'queued', updated_at: nowIso(), content: null };
      tasks.set(taskId, task);
      const complete = () => {
        task.status = 'completed';
        task.updated_at = nowIso();
        task.content = 'You said: "bench" (1 word).';
        const ev = appendEvent(user, {
          type: 'task.completed', task_id: taskId, conversation_id: 'c', message_id: 'm', lane: 'demo',
          result: { content: task.content, model: 'demo', cost_usd: 0.0, files: [] },
        });
        broadcast(user, ev);
      };
      if (delay > 0) setTimeout(complete, delay); else setImmediate(complete);
      send(202, { status: 'queued', task_id: taskId });
    });
    return;
  }
  if (req.method === 'GET' && url.pathname.startsWith('/tasks/')) {
    const task = tasks.get(url.pathname.slice('/tasks/'.length));
    if (!task) return send(404, { error: { code: 'not_found', message: 'no such task' } });
    return send(200, { task_id: task.task_id, status: task.status, updated_at: task.updated_at,
      result: task.content === null ? null : { content: task.content } });
  }
  if (req.method === 'GET' && url.pathname === '/stats') {
    if (url.searchParams.get('gc') === '1' && global.gc) global.gc();
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    return send(200, { rss: mem.rss, heap_used: mem.heapUsed, sockets: socketCount(), cpu_user_us: cpu.user,
      cpu_system_us: cpu.system, events: eventCount });
  }
  if (req.method === 'POST' && url.pathname === '/drop') {
    req.resume();
    const n = dropAll();
    return send(200, { dropped: n });
  }
  if (req.method === 'GET' && url.pathname === '/health') return send(200, { status: 'ok', kind });
  if (!(kind === 'socketio' && url.pathname.startsWith('/socket.io/'))) {
    send(404, { error: { code: 'not_found', message: 'unknown path' } });
  }
});
server.keepAliveTimeout = 60000;

if (kind === 'ws') {
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 64 * 1024 });
  const live = new Map(); // user -> Set of subscribed sockets
  wss.on('connection', (ws) => {
    let user = null;
    const leave = () => { if (user !== null) live.get(user).delete(ws); };
    ws.on('message', (buf, isBinary) => {
      if (user !== null) return;
      let msg;
      try { msg = JSON.parse(buf.toString()); } catch (e) { ws.close(1007, 'invalid_frame'); return; }
      if (isBinary || !msg || typeof msg.token !== 'string') { ws.close(1007, 'invalid_frame'); return; }
      user = msg.token;
      const u = userLog(user);
      const since = typeof msg.since === 'number' ? msg.since : null;
      if (since !== null) {
        const missed = replay(u, since);
        if (missed === null) ws.send('{"event":"reset","data":{}}');
        else for (const ev of missed) ws.send(ev.frame);
      }
      ws.send(JSON.stringify({ event: 'ready', data: { last_id: u.lastId } }));
      if (!live.has(user)) live.set(user, new Set());
      live.get(user).add(ws);
    });
    ws.on('close', leave);
    ws.on('error', leave);
  });
  broadcast = (user, ev) => { for (const ws of live.get(user) || []) ws.send(ev.frame); };
  socketCount = () => wss.clients.size;
  dropAll = () => { let n = 0; for (const ws of wss.clients) { ws.close(1012, 'restart'); n++; } return n; };
} else if (kind === 'socketio') {
  const { Server } = require('socket.io');
  const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, maxHttpBufferSize: 64 * 1024,
    serveClient: false, pingInterval: 25000, pingTimeout: 60000 });
  io.on('connection', (socket) => {
    let subscribed = false;
    socket.on('subscribe', (msg) => {
      if (subscribed || !msg || typeof msg.token !== 'string') return;
      subscribed = true;
      const u = userLog(msg.token);
      const since = typeof msg.since === 'number' ? msg.since : null;
      if (since !== null) {
        const missed = replay(u, since);
        if (missed === null) socket.emit('reset', {});
        else for (const ev of missed) socket.emit('update', ev.payload);
      }
      socket.emit('ready', { last_id: u.lastId });
      socket.join('user:' + msg.token);
    });
  });
  broadcast = (user, ev) => io.to('user:' + user).emit('update', ev.payload);
  socketCount = () => io.engine.clientsCount;
  dropAll = () => { const n = io.engine.clientsCount; io.disconnectSockets(true); return n; };
} else {
  console.error('unknown --kind ' + kind);
  process.exit(2);
}

server.listen(port, host, () => {
  console.log(`Peer ${kind} listening on http://${host}:${server.address().port}`);
});
const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
