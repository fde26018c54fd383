// Each module adds one command family's typed methods to the Stratum handle.
import './kv.js';
import './event.js';
import './state.js';
import './json.js';
import './vector.js';
import './txn.js';
import './retention.js';
import './branch.js';
import './db.js';
