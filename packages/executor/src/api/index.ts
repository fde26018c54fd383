// Each module adds one command family's typed methods to the Stratum handle.
import './kv.js';
