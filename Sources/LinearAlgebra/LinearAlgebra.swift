/// Module `LinearAlgebra`: see the module's files.
enum LinearAlgebraModuleMarker {}
