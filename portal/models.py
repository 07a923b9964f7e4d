"""The portal keeps no models of its own: both kinds of approval link, like the tokens they
check, live on the engine's side (`mailagent.models`, `mailagent.tokens`), so that services never
import the portal."""
