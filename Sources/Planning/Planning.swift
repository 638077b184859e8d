/// Module `Planning`: see the module's files.
enum PlanningModuleMarker {}
