/** The engine version reported by `Ping` and `Info`. */
export const ENGINE_VERSION = '0.1.0';
