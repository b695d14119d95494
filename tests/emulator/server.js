// Start telegram-test-api on the port given (0: any), print "port N", run until stdin closes.
const TelegramServer = require('telegram-test-api');
const net = require('net');
async function main() {
  let port = Number(process.argv[2] || 0);
  if (!port) {
    port = await new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
  }
  const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  // telegram-test-api's getMe has no is_bot, which the Bot API always sends and
  // python-telegram-bot requires: add it in front of the emulator's own route.
  const app = server.webServer;
  app.use((req, res, next) => {
    if (!/\/getMe$/.test(req.path)) return next();
    res.json({ ok: true, result: { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' } });
  });
  const stack = app._router.stack;
  stack.splice(2, 0, stack.pop());
  await server.start();
  console.log(`port ${port}`);
  process.stdin.resume();
  process.stdin.on('end', async () => { await server.stop(); process.exit(0); });
}
main().catch((e) => { console.error(e); process.exit(1); });
