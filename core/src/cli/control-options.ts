import type { Command } from 'commander';
import { ControlClient } from './control-client.js';
import { findEndpoint, type EndpointFlags } from './control-endpoint.js';

/** Add the options that say which running pilot to talk to. */
export function withEndpointOptions(command: Command): Command {
  return command
    .option('-m, --manifest <file>', 'the manifest of the running pilot (default: the current directory\'s); its .pilot/control.json says where the pilot listens')
    .option('--socket <path>', 'talk to the control server on this unix socket')
    .option('--url <url>', 'talk to the control server on loopback TCP, e.g. http://127.0.0.1:7000')
    .option('--token <token>', 'bearer token for --url (default: $PILOT_TOKEN, then .pilot/token next to the manifest)');
}

/** A client for the pilot the flags point at. */
export function clientFor(flags: EndpointFlags): ControlClient {
  return new ControlClient(findEndpoint(flags));
}
