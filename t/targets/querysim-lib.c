// SPDX-License-Identifier: GPL-2.0-only
/*
 * querysim-lib: querysim with the whole engine, and so every memsqld probe
 * and both semaphores, in libquerysim.so (querysim.c and querysim-bg.c
 * built with -DQS_LIBRARY -fPIC -shared).  Tests use it to check probes
 * that live in a shared library rather than in the executable.
 */
#include "querysim.h"

int main(int argc, char **argv)
{
	return querysim_main(argc, argv);
}
