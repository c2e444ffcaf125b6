declare global {
  namespace Cloudflare {
    interface Env {
      HYPERDRIVE: Hyperdrive;
      /** The same database as a plain connection string (a secret in an app). */
      DATABASE_URL: string;
      CI: string;
    }
  }
}

export {};
