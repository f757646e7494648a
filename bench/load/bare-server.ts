// The physical baseline: a bare `ws` server that only parses each frame as JSON and replies
// with a minimal valid answer. No validation, no state, no archive.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, handleProtocols: (offered) => [...offered][0] ?? false });
let tx = 0;
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as [number, string, string, unknown];
    if (frame[0] !== 2) return;
    const [, id, action] = frame;
    const now = new Date().toISOString();
    let payload: object = {};
    if (action === 'BootNotification') payload = { status: 'Accepted', currentTime: now, interval: 300 };
    else if (action === 'Heartbeat') payload = { currentTime: now };
    else if (action === 'StartTransaction') payload = { transactionId: ++tx, idTagInfo: { status: 'Accepted' } };
    ws.send(JSON.stringify([3, id, payload]));
  });
});
wss.on('listening', () => {
  const address = wss.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
