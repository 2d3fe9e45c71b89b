import { x } from '../src/index.js';
test('x', async () => { await using d = { async [Symbol.asyncDispose]() {} }; expect(x).toBe(1); });
