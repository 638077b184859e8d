/// Module `SafeTensors`: see the module's files.
enum SafeTensorsModuleMarker {}
