/// Module `DemoModel`: see the module's files.
enum DemoModelModuleMarker {}
