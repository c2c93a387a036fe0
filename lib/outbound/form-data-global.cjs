// Bundles only (serverless.yml esbuild `alias`): axios's Node build requires the `form-data`
// package, which drags mime-db (~130 kB) into every bundle, for multipart uploads we never
// send. Node ≥ 18 has a spec FormData, which axios accepts in its place.
module.exports = globalThis.FormData;
