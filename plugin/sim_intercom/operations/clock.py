"""The time operations read ("now", for defaults and checks), in one place a test can set.

Call `clock.now()` through the module, never import `now` itself, so replacing
`sim_intercom.operations.clock.now` changes what every operation sees.
"""

from __future__ import annotations

import time
from collections.abc import Callable

now: Callable[[], float] = time.time
