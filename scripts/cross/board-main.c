// The board binary's C entry point: Embedded Swift has no CommandLine, so argc/argv are handed
// to MoteCLI's mote_board_main. Could go if Embedded Swift gains a Linux @main with arguments.
#include <stdint.h>

int32_t mote_board_main(int32_t argc, char **argv);

int main(int argc, char **argv) {
    return mote_board_main(argc, argv);
}
