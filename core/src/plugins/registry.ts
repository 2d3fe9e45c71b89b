import { PilotError } from '../errors.js';

/** An entry a plugin registers under a name a manifest can reference. */
export interface Named {
  readonly name: string;
}

/**
 * A typed table of named entries (readiness strategies, stats handlers, ...). It lists its
 * names, remembers which plugin registered each, and rejects a duplicate naming both plugins.
 */
export class Registry<Entry extends Named> {
  private readonly entries = new Map<string, { entry: Entry; owner: string }>();

  /**
   * @param kind what the entries are, for messages ("readiness strategy").
   * @param currentOwner names the plugin whose `apply` is running, recorded as the owner.
   */
  constructor(
    readonly kind: string,
    private readonly currentOwner: () => string = () => 'user code',
  ) {}

  /** Add `entry`, registered by the plugin now being applied. */
  register(entry: Entry): void {
    const owner = this.currentOwner();
    if (typeof entry?.name !== 'string' || entry.name.length === 0) {
      throw new PilotError('PILOT_PLUGIN_INVALID', `plugin "${owner}" registered a ${this.kind} without a name`, {
        plugin: owner,
      });
    }
    const existing = this.entries.get(entry.name);
    if (existing) {
      throw new PilotError(
        'PILOT_DUPLICATE_NAME',
        `${this.kind} "${entry.name}" is registered twice: by plugin "${existing.owner}" and by plugin "${owner}"; ` +
          'remove one of the two plugins',
        { plugin: owner },
      );
    }
    this.entries.set(entry.name, { entry, owner });
  }

  /** The entry called `name`, if any. */
  get(name: string): Entry | undefined {
    return this.entries.get(name)?.entry;
  }

  /** The plugin that registered `name`, if any. */
  ownerOf(name: string): string | undefined {
    return this.entries.get(name)?.owner;
  }

  /** Every registered name, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
