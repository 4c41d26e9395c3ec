// The two Bridge.NET scripts of @kusto/language-service-next are loaded only for their side
// effects (they define the globals `Bridge` and `Kusto`); the package ships no typings for them.
declare module '@kusto/language-service-next/bridge.min.js';
declare module '@kusto/language-service-next/Kusto.Language.Bridge.min.js';
