// node:test with the pilot: services up before the tests, always gone after (run: node --test examples/node-test/).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startPilot } from '@pilot/core';

let pilot;
before(async () => {
  pilot = await startPilot(fileURLToPath(new URL('../jest-project/pilot.yaml', import.meta.url)));
});
after(async () => {
  await pilot?.stop();
});

test('the API is up and answers', async () => {
  const response = await fetch('http://127.0.0.1:47311/hello');
  assert.deepEqual(await response.json(), { hello: 'world' });
  assert.equal(pilot.getRunningProcess('api').status, 'running');
});
