// Style sheets are imported for their side effect by the Vite build of the renderer.
declare module '*.css';
