// A local ESLint rule (bulletproof-react's boundaries): code under src/features/<name>/ imports
// only its own feature and the shared layers (src/lib, src/test), never another feature's
// internals nor the app layer (src/hooks, src/components, src/contexts, src/pages) that composes
// the features. Relative imports are resolved against the importing file.
import path from 'node:path';

const SHARED = ['lib', 'test'];

function place(file, srcRoot) {
  const rel = path.relative(srcRoot, file).split(path.sep);
  if (rel[0] === '..') return null;
  return rel[0] === 'features' ? { layer: 'features', feature: rel[1] } : { layer: rel[0] };
}

export const featureBoundaries = {
  meta: { type: 'problem', schema: [], messages: { crossing: '{{from}} may not import {{to}}: {{why}}' } },
  create(context) {
    const file = context.filename;
    const srcRoot = path.join(context.cwd, 'src');
    const from = place(file, srcRoot);
    if (!from || from.layer !== 'features') return {};
    const check = (node) => {
      const spec = node.source && node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = place(path.resolve(path.dirname(file), spec), srcRoot);
      if (!to) return;
      let why = null;
      if (to.layer === 'features' && to.feature !== from.feature) why = 'features do not import each other';
      else if (to.layer !== 'features' && !SHARED.includes(to.layer) && !/\.(css)$/.test(spec))
        why = `a feature imports only the shared layers (${SHARED.join(', ')})`;
      if (why) {
        context.report({
          node: node.source,
          messageId: 'crossing',
          data: {
            from: `features/${from.feature}`,
            to: to.layer === 'features' ? `features/${to.feature}` : to.layer,
            why,
          },
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
