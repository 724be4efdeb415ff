import fs from 'node:fs';
import path from 'node:path';

/** Where a witness keeps, per log origin, the latest checkpoint note it cosigned. */
export type CheckpointStore = {
  latest(origin: string): string | null;
  /** Must be durable when it returns: the witness answers only after it. */
  record(origin: string, note: string): void;
};

/**
 * One file per log in `dir/logs/`, named after the origin (URL-encoded), holding the signed note
 * verbatim, so that the witness's state is also the evidence of what the log showed it. Written to
 * a temporary file, flushed, then renamed over the old one: a crash leaves the old state or the new.
 */
export function directoryCheckpointStore(dir: string): CheckpointStore {
  const logs = path.join(dir, 'logs');
  const fileOf = (origin: string) => path.join(logs, `${encodeURIComponent(origin)}.checkpoint`);
  return {
    latest: (origin) => (fs.existsSync(fileOf(origin)) ? fs.readFileSync(fileOf(origin), 'utf8') : null),
    record(origin, note) {
      fs.mkdirSync(logs, { recursive: true, mode: 0o700 });
      const file = fileOf(origin);
      const temporary = `${file}.${process.pid}.tmp`;
      const fd = fs.openSync(temporary, 'w', 0o600);
      try {
        fs.writeSync(fd, note);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, file);
      const dirFd = fs.openSync(logs, 'r');
      try {
        fs.fsyncSync(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
    },
  };
}

/** A store in memory, for tests. */
export function memoryCheckpointStore(): CheckpointStore {
  const notes = new Map<string, string>();
  return { latest: (origin) => notes.get(origin) ?? null, record: (origin, note) => void notes.set(origin, note) };
}
