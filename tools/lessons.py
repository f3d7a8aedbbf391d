"""What the tools that keep the lessons honest share: where the lessons are, and how a report tool is called."""
import argparse
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SKIP = 77  # CTest's skip code here (SKIP_RETURN_CODE): the build cannot say


def lessons():
    """Every lesson, chapters first, then the worked solutions' READMEs."""
    return sorted(ROOT.glob("chapters/*/README.md")) + sorted(ROOT.glob("solutions/*/README.md"))


def build_report_arguments(description: str, what: str):
    """--build, --write | --check, --build-type: the command line of a tool that fills lesson blocks from a build."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True, type=pathlib.Path, help="the CMake build folder")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"regenerate the lessons' {what}")
    mode.add_argument("--check", action="store_true", help=f"fail if a lesson's {what} differ from the build")
    parser.add_argument("--build-type", default="Release",
                        help=f"the build's CMAKE_BUILD_TYPE; the {what} describe Release builds")
    return parser.parse_args()
