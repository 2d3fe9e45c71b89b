import { expect, test } from '@jest/globals';

test('the API started by globalSetup answers', async () => {
  const response = await fetch(`${process.env.EXAMPLE_API_URL}/hello`);
  expect(await response.json()).toEqual({ hello: 'world' });
});

test('a failing test (only when EXAMPLE_FAIL is set, to show --bail still cleans up)', () => {
  expect(process.env.EXAMPLE_FAIL).toBeUndefined();
});

test('hangs until interrupted (only when EXAMPLE_HANG is set, to show Ctrl-C still cleans up)', async () => {
  if (process.env.EXAMPLE_HANG) await new Promise(() => undefined);
});
