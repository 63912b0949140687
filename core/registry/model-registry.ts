// The model registry, kept entirely in the bucket: numbered versions with their files, a champion
// alias that serving follows, and an append-only history of who changed what when.
import { getJsonIfExists, PreconditionFailedError, putJson, type BlobStore } from '../storage/blob-store';
import { ConcurrentPromotionError, InvalidTransitionError, VersionNotFoundError } from './errors';
import { championAt, HistoryLog } from './history-log';
import { registryLayout, type RegistryLayout } from './layout';
import { registerVersion } from './registration';
import { VersionRecords } from './version-records';
import {
  championAliasSchema,
  fileNameSchema,
  type Champion,
  type ChampionAlias,
  type HistoryEntry,
  type ModelVersion,
  type PromoteOptions,
  type RegisterInput,
  type RejectOptions,
} from './types';

const DEFAULT_ACTOR = 'pipeline';

export class ModelRegistry {
  readonly layout: RegistryLayout;
  private readonly records: VersionRecords;
  private readonly log: HistoryLog;

  constructor(
    private readonly store: BlobStore,
    prefix = 'registry',
  ) {
    this.layout = registryLayout(prefix);
    this.records = new VersionRecords(store, this.layout);
    this.log = new HistoryLog(store, this.layout);
  }

  /** Registers a candidate: the next number, the files copied in, a 'registered' history entry. */
  async register(input: RegisterInput): Promise<ModelVersion> {
    const record = await registerVersion({ store: this.store, layout: this.layout, records: this.records }, input);
    const current = await this.champion();
    // Recorded on every path (new, resumed, idempotent repeat): the log keeps it once.
    await this.log.record({
      at: record.metadata.createdAt,
      event: 'registered',
      version: record.version,
      previousChampion: current?.version ?? null,
      reason: `trained on ${record.metadata.dataMonth} with spec ${record.metadata.specName}`,
      actor: input.actor ?? DEFAULT_ACTOR,
    });
    return asSeen(record, current);
  }

  /** A registered version, or undefined (also while it is still registering). */
  async get(version: number): Promise<ModelVersion | undefined> {
    const [found, current] = await Promise.all([this.records.read(version), this.champion()]);
    return found && found.record.status !== 'registering' ? asSeen(found.record, current) : undefined;
  }

  /** Every registered version with its status, newest first. */
  async list(): Promise<ModelVersion[]> {
    const [records, current] = await Promise.all([this.records.readAll(), this.champion()]);
    return records.flatMap((record) => (record.status === 'registering' ? [] : [asSeen(record, current)])).reverse();
  }

  /** The key serving loads a version's file from. */
  fileKey(version: number, name: string): string {
    return this.layout.versionFile(version, fileNameSchema.parse(name));
  }

  /** The current champion and its alias generation, or undefined before the first promotion. */
  async champion(): Promise<Champion | undefined> {
    // Stat first: a generation older than the content only makes a poller reload once more, never miss a change.
    const info = await this.store.stat(this.layout.championAlias);
    const alias = info && (await getJsonIfExists(this.store, this.layout.championAlias));
    return info && alias ? { ...championAliasSchema.parse(alias), generation: info.generation } : undefined;
  }

  /** The alias generation alone: the cheapest poll for "did the champion change?". */
  async championGeneration(): Promise<string | undefined> {
    return (await this.store.stat(this.layout.championAlias))?.generation;
  }

  /**
   * Makes version the champion with one compare-and-swap of the alias, so of two racing promotions
   * exactly one wins. Promoting the current champion again is a no-op (a retried activity).
   */
  async promote(version: number, options: PromoteOptions): Promise<Champion> {
    const [target, current] = await Promise.all([this.get(version), this.champion()]);
    if (!target) throw new VersionNotFoundError(version);
    if (current?.version === version) {
      if (options.requireChange && options.expectedCurrent !== undefined && options.expectedCurrent !== version)
        throw new ConcurrentPromotionError(version, options.expectedCurrent, version);
      return this.settlePromotion(current);
    }
    if (target.status === 'rejected' && !options.force) {
      throw new InvalidTransitionError(
        `v${version} was rejected (${target.rejection?.reasons.join('; ')}); promote it with force to roll back to it deliberately`,
      );
    }
    const currentVersion = current?.version ?? null;
    if (options.expectedCurrent !== undefined && options.expectedCurrent !== currentVersion) {
      throw new ConcurrentPromotionError(version, options.expectedCurrent, currentVersion);
    }
    const alias: ChampionAlias = {
      version,
      since: (options.at ?? new Date()).toISOString(),
      reason: options.reason,
      previous: currentVersion,
      revision: (current?.revision ?? 0) + 1,
      actor: options.actor ?? DEFAULT_ACTOR,
    };
    const written = await putJson(this.store, this.layout.championAlias, alias, { ifGeneration: current?.generation ?? '0' }).catch(async (error: unknown) => {
      if (!(error instanceof PreconditionFailedError)) throw error;
      throw new ConcurrentPromotionError(version, options.expectedCurrent, (await this.champion())?.version ?? null);
    });
    return this.settlePromotion({ ...alias, generation: written.generation });
  }

  /** Marks a version rejected with its reasons; it stays listed. The serving champion cannot be rejected. */
  async reject(version: number, reasons: string[], options: RejectOptions = {}): Promise<ModelVersion> {
    if (reasons.length === 0) throw new InvalidTransitionError(`Rejecting v${version} needs at least one reason`);
    const current = await this.champion();
    if (current?.version === version) throw new InvalidTransitionError(`v${version} is the champion; promote another version before rejecting it`);
    const rejection = { reasons, at: (options.at ?? new Date()).toISOString(), actor: options.actor ?? DEFAULT_ACTOR };
    // Already rejected: keep the first reasons, so a retried activity changes nothing.
    const record = await this.records.update(version, (found) =>
      found.status === 'rejected' || found.status === 'registering' ? undefined : { ...found, status: 'rejected', rejection },
    );
    if (!record || record.status === 'registering' || !record.rejection) throw new VersionNotFoundError(version);
    await this.log.record({
      at: record.rejection.at,
      event: 'rejected',
      version,
      previousChampion: current?.version ?? null,
      reason: record.rejection.reasons.join('; '),
      actor: record.rejection.actor,
    });
    return asSeen(record, current);
  }

  /** The audit log, oldest first. */
  history(): Promise<HistoryEntry[]> {
    return this.log.entries();
  }

  /** Which version was champion at time, per the history; undefined before the first promotion. */
  async championAt(time: Date): Promise<number | undefined> {
    return championAt(await this.log.entries(), time);
  }

  // After the alias changed: the history entry, then the statuses (readers already trust the alias).
  private async settlePromotion(champion: Champion): Promise<Champion> {
    const previous = champion.previous;
    await this.log.record({
      at: champion.since,
      event: previous !== null && champion.version < previous ? 'rolled-back' : 'promoted',
      version: champion.version,
      previousChampion: previous,
      reason: champion.reason,
      actor: champion.actor,
      revision: champion.revision,
    });
    await this.records.update(champion.version, (record) =>
      record.status === 'registering' || record.status === 'champion' ? undefined : { ...record, status: 'champion' },
    );
    if (previous !== null) await this.records.update(previous, (record) => (record.status === 'champion' ? { ...record, status: 'retired' } : undefined));
    return champion;
  }
}

// The alias is the truth about who is champion; a status written after it can lag (a crash, a race).
function asSeen(record: ModelVersion, current: Champion | undefined): ModelVersion {
  if (record.version === current?.version) return { ...record, status: 'champion' };
  return record.status === 'champion' ? { ...record, status: 'retired' } : record;
}
