#include "payments/camt054_reader.h"
