import { definePlugin } from '@pilot/core';

/** Placeholder until the package is implemented: registers nothing. */
export default function plugin() {
  return definePlugin({ name: '@pilot/plugin-ready-tcp', apply() {} });
}
