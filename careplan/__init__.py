"""careplan: evidence-based relactation care plans for lactation consultants.

The public API follows the data: ``load_intake`` -> ``load_library`` -> ``build_plan``.
"""

from careplan.errors import CareplanError, InputError, LibraryError
from careplan.intake import Intake, load_intake, parse_intake

__all__ = ["CareplanError", "InputError", "Intake", "LibraryError", "load_intake", "parse_intake"]
__version__ = "0.1.0"
