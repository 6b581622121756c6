"""Names the code blocks valgrind's lackey saw run (`SB <address>` lines) by the linker map's
`.text.<symbol>` input sections, and writes their symbols in first-run order, binary after
binary (the first binary's order first; later ones add what it did not run)."""
import bisect
import re
import sys

SECTION = re.compile(
    r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+\S.*:\(\.text\.([^)]*)\)\s*$"
)


def text_sections(map_path):
    sections = []
    with open(map_path) as lines:
        for line in lines:
            match = SECTION.match(line)
            if match:
                start, size = int(match.group(1), 16), int(match.group(2), 16)
                sections.append((start, start + size, match.group(3)))
    sections.sort()
    return sections


def symbols_run(map_path, trace_path):
    sections = text_sections(map_path)
    starts = [start for start, _, _ in sections]
    seen, order = set(), []
    with open(trace_path) as lines:
        for line in lines:
            if not line.startswith("SB "):
                continue
            address = int(line.split()[1], 16)
            at = bisect.bisect_right(starts, address) - 1
            if at >= 0 and sections[at][0] <= address < sections[at][1]:
                symbol = sections[at][2]
                if symbol not in seen:
                    seen.add(symbol)
                    order.append(symbol)
    return order


def main(work, out, binaries):
    seen, order = set(), []
    for binary in binaries:
        run = symbols_run(f"{work}/{binary}.map", f"{work}/{binary}.trace")
        if not run:
            sys.exit(f"no code of {binary} was traced: is valgrind working?")
        print(f"{binary}: {len(run)} functions run at start")
        for symbol in run:
            if symbol not in seen:
                seen.add(symbol)
                order.append(symbol)
    with open(out, "w") as file:
        file.write("\n".join(order) + "\n")
    print(f"{out}: {len(order)} symbols")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
