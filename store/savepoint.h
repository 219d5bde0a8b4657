// A savepoint inside a transaction, established at once. libpqxx 6.4's subtransaction
// sends SAVEPOINT lazily, on its first exec(); exec_params() and prepared statements do
// not trigger it, so they would run outside the savepoint and survive its rollback.
//
//   Savepoint savepoint(tx, "event");
//   tx_work(savepoint.tx());
//   ok ? savepoint.Release() : savepoint.RollBack();
#ifndef TOKENCLEAR_STORE_SAVEPOINT_H_
#define TOKENCLEAR_STORE_SAVEPOINT_H_

#include <pqxx/pqxx>
#include <string>

namespace tc::store {

class Savepoint {
 public:
  Savepoint(pqxx::dbtransaction& outer, const std::string& name) : sub_(outer, name) {
    sub_.exec1("SELECT 1");  // sends SAVEPOINT before anything else runs in it
  }

  pqxx::subtransaction& tx() { return sub_; }
  void Release() { sub_.commit(); }
  void RollBack() { sub_.abort(); }

 private:
  pqxx::subtransaction sub_;
};

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_SAVEPOINT_H_
