// Types for Vite's import.meta.env, including the build-time socket URL override.
/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_WS_URL?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
