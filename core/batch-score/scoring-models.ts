// Model versions a worker scores batches with, loaded once and shared by the parts it runs at the same
// time; the least recently used idle one is freed when more than `capacity` are loaded.
import type { ModelRegistry } from '../registry/model-registry';
import { ServingModel, type ServingOptions } from '../serving/serving-model';
import type { BlobStore } from '../storage/blob-store';

interface Entry {
  model: Promise<ServingModel>;
  users: number;
}

export class ScoringModels {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly store: BlobStore,
    private readonly registry: ModelRegistry,
    private readonly options: ServingOptions,
    private readonly capacity = 2,
  ) {}

  async use<T>(version: number, work: (model: ServingModel) => Promise<T>): Promise<T> {
    const entry = this.entries.get(version) ?? this.load(version);
    // Re-inserted: the map's order is least recently used first.
    this.entries.delete(version);
    this.entries.set(version, entry);
    entry.users += 1;
    try {
      return await work(await entry.model);
    } finally {
      entry.users -= 1;
      this.freeIdle();
    }
  }

  private load(version: number): Entry {
    const entry: Entry = { model: ServingModel.load(this.store, this.registry, version, this.options), users: 0 };
    // A failed load is not kept: the next attempt loads again.
    void entry.model.catch(() => {
      if (this.entries.get(version) === entry) this.entries.delete(version);
    });
    return entry;
  }

  private freeIdle(): void {
    for (const [version, entry] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      if (entry.users > 0) continue;
      this.entries.delete(version);
      void entry.model.then(
        (model) => model.retire(),
        () => undefined,
      );
    }
  }
}
