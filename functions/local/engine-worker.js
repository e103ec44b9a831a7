// Runs dynalite on its own thread, so the engine and the API each get a core. Plain JavaScript
// because dynalite is, and a worker started from TypeScript would need the loader re-registered.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
// dynalite keeps its LevelDB store to itself; its db module is shared through require's cache,
// so wrapping create() hands us the store it builds (for compaction below).
const dbModule = require('dynalite/db/index.js');
const createStore = dbModule.create;
let store;
/**
 * Iterators open on the database, with when each opened. dynalite leaves some open (a query that
 * stops reading early never closes its iterator), and each holds a snapshot that keeps every old
 * version it can see alive through any compaction.
 */
const openResources = new Map();
dbModule.create = (options) => {
  store = createStore(options);
  const { db } = store;
  db.createValueStream = (range) => streamOf(db.values(range));
  db.createKeyStream = (range) => streamOf(db.keys(range));
  const attach = db.attachResource.bind(db);
  const detach = db.detachResource.bind(db);
  db.attachResource = (resource) => {
    openResources.set(resource, Date.now());
    attach(resource);
  };
  db.detachResource = (resource) => {
    openResources.delete(resource);
    detach(resource);
  };
  return store;
};
const dynalite = require('dynalite');

/**
 * dynalite's own streams close their iterator through `iterator.return()`, which LevelDB's
 * iterators do not have: every query and scan left its iterator open, each pinning the files and
 * the write buffer it could see. Under a wave's load that is gigabytes of memory and of files that
 * no compaction may drop (issue 12: 2.9 GB and a 2.6 GB data folder at 100,000 people). These
 * close the iterator when the stream ends or is destroyed.
 */
function streamOf(iterator) {
  let closing;
  const close = () => (closing ??= iterator.close());
  return new Readable({
    objectMode: true,
    read() {
      iterator.next().then(
        (value) =>
          value === undefined
            ? close().then(
                () => this.push(null),
                (error) => this.destroy(error),
              )
            : this.push(value),
        (error) => this.destroy(error),
      );
    },
    destroy(error, callback) {
      close().then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}

const server = dynalite({ ...(workerData.path ? { path: workerData.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'stop') server.close(() => parentPort.postMessage({ stopped: true }));
  if (message === 'open-iterators') parentPort.postMessage({ openIterators: openResources.size });
  if (message === 'compact')
    void compact().then(
      () => parentPort.postMessage({ compacted: true }),
      (error) => parentPort.postMessage({ compacted: false, error: String(error) }),
    );
});

/**
 * Deleting an item in LevelDB writes a tombstone; the old value stays in the write-ahead log and
 * in older tables until a compaction drops it. A plain compactRange is not enough: it flushes the
 * memtable (old versions and all) into a table that may land on the deepest level, which it then
 * never rewrites. Two keys below and above every real key make each flush overlap every level, so
 * the compaction merges everything down and drops deleted and overwritten values; deleting the
 * two keys and compacting again leaves only live items. Verified by test/data-folder.test.ts,
 * which scans the raw files. In memory: nothing to do.
 */
const LEFT_BEHIND_MS = 1_000;
const LOW = Buffer.from([0x00]);
const HIGH = Buffer.from([0xff, 0xff, 0xff]);
// Keys are UTF-8 strings (table prefix, then the item's key): no key byte is 0xff.
const EVERYTHING = [Buffer.alloc(0), Buffer.from([0xff, 0xff, 0xff, 0xff])];

async function compact() {
  const db = store?.db;
  if (!db || typeof db.compactRange !== 'function') return;
  // dynalite wraps batch() in a callback form that drops options: use the database's own.
  const batch = (operations) => Object.getPrototypeOf(db).batch.call(db, operations, { keyEncoding: 'buffer' });
  // A live request reads its iterator within milliseconds: one still open a second after the
  // compaction was asked for was left behind, and is closed so its snapshot lets go.
  const asked = Date.now();
  await new Promise((resolve) => setTimeout(resolve, LEFT_BEHIND_MS));
  await Promise.all([...openResources].filter(([, openedAt]) => openedAt <= asked).map(([resource]) => resource.close().catch(() => {})));
  const compactAll = () => db.compactRange(...EVERYTHING, { keyEncoding: 'buffer' });
  for (let round = 0; round < 2; round++) {
    await batch([
      { type: 'put', key: LOW, value: 0 },
      { type: 'put', key: HIGH, value: 0 },
    ]);
    await compactAll();
  }
  await batch([
    { type: 'del', key: LOW },
    { type: 'del', key: HIGH },
  ]);
  await compactAll();
  await compactAll();
}
