import { expect, test } from '@jest/globals';
import { ProcessManifest } from '../../src/index.js';

test("a YAML syntax error keeps the yaml library's code frame: the offending lines and a caret", () => {
  const text = 'processes:\n  - name: a\n    path: node\n    args: [x\n    env: {}\n';
  let message = '';
  try {
    ProcessManifest.fromYaml(text);
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/^cannot parse YAML manifest:\n {2}- YAML:5:5: Flow sequence in block collection must be sufficiently indented and end with a \]\n/);
  expect(message).toContain('\n          args: [x\n          env: {}\n          ^');
});
