// The API: answers GET /records with what the data service holds.
import { createServer } from 'node:http';

const port = Number(process.env.API_PORT ?? 47100);
const dataUrl = process.env.DATA_URL ?? 'http://127.0.0.1:47101';

const server = createServer(async (request, response) => {
  response.setHeader('content-type', 'application/json');
  if (request.url !== '/records') {
    response.statusCode = 404;
    return response.end(JSON.stringify({ error: 'try GET /records' }));
  }
  try {
    const records = await (await fetch(`${dataUrl}/records`)).json();
    console.log(`api: GET /records -> ${records.length} records`);
    response.end(JSON.stringify({ records }));
  } catch (error) {
    console.error(`api: data service unreachable: ${error.message}`);
    response.statusCode = 502;
    response.end(JSON.stringify({ error: 'data service unreachable' }));
  }
});
server.listen(port, '127.0.0.1', () => console.log(`api: listening on http://127.0.0.1:${port} (try: curl http://127.0.0.1:${port}/records)`));

process.on('SIGTERM', () => {
  console.log('api: SIGTERM, closing');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
