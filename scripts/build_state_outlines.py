"""Build data/us-state-outlines.json from us-atlas's Census TopoJSON (npm `us-atlas@3.0.1`, states-10m.json, ISC licence).

The map draws these lines with a pydeck PathLayer, so it stays legible with no tile server.
    npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz
    python scripts/build_state_outlines.py package/states-10m.json data/us-state-outlines.json
Each TopoJSON arc (a shared border, drawn once) becomes one path of [longitude, latitude] points,
rounded to 0.01 degree (about 1 km), which is plenty at state scale.
"""

import json
import sys


def decode_arcs(topology: dict) -> list[list[list[float]]]:
    (scale_x, scale_y), (translate_x, translate_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    paths = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # quantized, delta-encoded positions
            x, y = x + dx, y + dy
            point = [round(x * scale_x + translate_x, 2), round(y * scale_y + translate_y, 2)]
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 1:
            paths.append(points)
    return paths


if __name__ == "__main__":
    topology = json.load(open(sys.argv[1]))
    outlines = {"source": "us-atlas 3.0.1 states-10m.json (U.S. Census Bureau cartographic boundaries; ISC licence, Mike Bostock)",
                "paths": decode_arcs(topology)}
    with open(sys.argv[2], "w") as out:
        json.dump(outlines, out, separators=(",", ":"))
