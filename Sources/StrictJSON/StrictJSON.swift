/// Module `StrictJSON`: see the module's files.
enum StrictJSONModuleMarker {}
