// The version.json objects: claimed with ifGeneration '0', read with their generation, changed only
// by compare-and-swap so concurrent writers never overwrite each other unseen.
import { getJsonIfExists, listAll, PreconditionFailedError, putJson, type BlobStore } from '../storage/blob-store';
import type { RegistryLayout } from './layout';
import { versionRecordSchema, type RegisteringRecord, type VersionRecord } from './types';

export interface Versioned<T> {
  record: T;
  generation: string;
}

export class VersionRecords {
  constructor(
    private readonly store: BlobStore,
    private readonly layout: RegistryLayout,
  ) {}

  async read(version: number): Promise<Versioned<VersionRecord> | undefined> {
    const key = this.layout.versionRecord(version);
    // Stat before reading: the generation is never newer than the content, so a CAS based on it
    // can fail spuriously but never overwrite a change we did not see.
    const info = await this.store.stat(key);
    const record = info && (await getJsonIfExists(this.store, key));
    return info && record ? { record: versionRecordSchema.parse(record), generation: info.generation } : undefined;
  }

  /** Every record, including ones still registering, in version order. */
  async readAll(): Promise<VersionRecord[]> {
    const versions = await this.numbers();
    const found = await Promise.all(versions.map((version) => this.read(version)));
    return found.flatMap((entry) => (entry ? [entry.record] : []));
  }

  /** Takes the lowest free number above every existing one; a racer taking it first pushes us to the next. */
  async claim(draft: Omit<RegisteringRecord, 'version'>): Promise<Versioned<RegisteringRecord>> {
    const taken = await this.numbers();
    for (let version = (taken.at(-1) ?? 0) + 1; ; version += 1) {
      const record: RegisteringRecord = { ...draft, version };
      try {
        const info = await putJson(this.store, this.layout.versionRecord(version), record, { ifGeneration: '0' });
        return { record, generation: info.generation };
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw error;
      }
    }
  }

  /** Gives back a claim nobody can see yet (its registration lost an idempotency race). */
  async release(version: number): Promise<void> {
    await this.store.delete(this.layout.versionRecord(version));
  }

  /** Applies change (undefined: leave as is) until it lands on the version it read; undefined if missing. */
  async update(version: number, change: (record: VersionRecord) => VersionRecord | undefined): Promise<VersionRecord | undefined> {
    for (;;) {
      const current = await this.read(version);
      if (!current) return undefined;
      const next = change(current.record);
      if (!next) return current.record;
      try {
        await putJson(this.store, this.layout.versionRecord(version), next, { ifGeneration: current.generation });
        return next;
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) throw error;
      }
    }
  }

  /** Replaces a record only if it is still at generation; false if someone changed it first. */
  async replace(version: number, record: VersionRecord, generation: string): Promise<boolean> {
    try {
      await putJson(this.store, this.layout.versionRecord(version), record, { ifGeneration: generation });
      return true;
    } catch (error) {
      if (error instanceof PreconditionFailedError) return false;
      throw error;
    }
  }

  // Listing the versions folder also lists their files; at one version a month that stays small.
  private async numbers(): Promise<number[]> {
    const listed = await listAll(this.store, this.layout.versions);
    return listed.flatMap((info) => {
      const version = this.layout.versionOfRecordKey(info.key);
      return version === undefined ? [] : [version];
    });
  }
}
