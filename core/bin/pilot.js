#!/usr/bin/env node
// The `pilot` command. A committed file, not the bundle itself: npm links a workspace's bin
// before `prepare` builds dist/, and skips a target that does not exist yet (a fresh clone then
// had no node_modules/.bin/pilot). Importing keeps a single process and the bundle's start-up.
import '../dist/bundle/pilot.js';
