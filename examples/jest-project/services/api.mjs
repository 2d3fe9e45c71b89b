// A tiny HTTP API for the example's tests: GET /hello answers {"hello":"world"}.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  if (request.url === '/hello') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ hello: 'world' }));
  } else {
    response.statusCode = 404;
    response.end();
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
