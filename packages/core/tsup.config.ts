import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: false,
  sourcemap: true,
  target: 'es2022',
  // Folds constants (limits) into their uses, so apps that bundle core can tree-shake and inline them.
  minifySyntax: true,
});
