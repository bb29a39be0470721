export { codeSamplesFor, defaultServerUrl, type CodeSample } from './code-samples.js';
export { docsDocument, POSTMAN_FILE } from './docs-document.js';
export { toPostmanCollection, type PostmanCollection, type PostmanItem, type PostmanRequest } from './postman.js';
export { DEFAULT_DOCS_PORT, startDocsServer, type DocsServerOptions, type RunningDocsServer } from './server.js';
