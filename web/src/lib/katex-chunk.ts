// KaTeX with its stylesheet, one lazily loaded chunk (see render-libs.ts). Vite bundles the CSS and
// the fonts it names as files of this origin, which the page's CSP (style-src/font-src 'self') allows.
import katex from 'katex';
import 'katex/dist/katex.min.css';

export default katex;
